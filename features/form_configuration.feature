@forms
Feature: Form configuration
  The purchase scenarios send order forms, place orders in storages, pay by payment accounts
  and sign in through an auth provider. When an admin renames a field, changes its type, makes
  a new field required, moves a storage to another form or disables a payment account, these
  scenarios say so before a shopper meets the error. What the scenarios send is read from the
  other feature files and oneentry-contracts.toml, never typed twice.

  Background:
    Given the shop is signed in as the registered user

  Scenario: The project's forms, storages, accounts and sign-in fit what the scenarios send
    When the shop reads the configuration of every form the scenarios send
    Then every field the scenarios send is in its form with the same type
    And every required field of the forms is sent
    And every pinned value passes its field's validators
    And every field left to faker gets a value its validators accept
    And every storage takes its scenarios' form and payment accounts
    And the sign-in form has the login and password fields the shop sends
