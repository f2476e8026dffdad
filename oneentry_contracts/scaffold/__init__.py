"""What `oneentry-contracts init` writes into a shop's repository.

`layout` (the shop's purchases and products), `choices` (from the command line, completed from
the bundled sandbox project), `live` (read from the live project), `features` (the purchase
feature files) and `files` (every file, and writing them without replacing any).
"""
