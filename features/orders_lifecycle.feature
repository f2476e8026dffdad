@registered @lifecycle
Feature: Order lifecycle
  After a purchase a registered customer finds their orders again, page by page, changes one,
  previews what a cart will cost, keeps a price the shop signed for them, and asks for a
  refund of a paid order (an order the payment provider has not completed cannot be refunded).
  (Seed 004: the Orders module.)

  Background:
    Given the shop is signed in as the registered user

  Scenario: The shop finds the order storage with its form and payment accounts
    When the shop lists the order storages
    Then the storages include "orders"
    When the shop looks up the storage "orders"
    Then the storage "orders" takes the form "order" and the payment accounts "cash, stripe"

  Scenario: A customer finds a new order among the pages of their orders
    Given the shopper fills in the order form "order" with:
      | marker | type   |
      | name   | string |
    And the cart holds:
      | product   | quantity |
      | Desk lamp | 1        |
    And the customer already has 2 earlier orders in storage "orders" paying by "cash"
    When the shopper places the order in storage "orders" paying by "cash"
    Then the order is created with the cart at catalogue prices
    When the shop reads the orders of storage "orders" 2 at a time
    Then the pages of 2 hold every order once, the new one and the earlier ones among them

  Scenario: A customer reads an order, changes it and reads the change back
    Given the shopper fills in the order form "order" with:
      | marker | type   |
      | name   | string |
    And the cart holds:
      | product   | quantity |
      | Desk lamp | 1        |
    When the shopper places the order in storage "orders" paying by "cash"
    Then the order is created with the cart at catalogue prices
    When the shopper reads the order back
    Then the order read back matches the order created
    When the customer changes the order: "name" becomes "Ada Lovelace" and the cart holds:
      | product | quantity |
      | Cosmo   | 2        |
      | Box     | 1        |
    Then the order is changed
    When the shopper reads the order back
    Then the order read back holds the change
    When the shop lists the statuses of storage "orders"
    Then the order's status is one of the storage's statuses

  Scenario: The preview of a cart costs what the order costs
    Given the shopper fills in the order form "order" with:
      | marker | type   |
      | name   | string |
    And the cart holds:
      | product | quantity |
      | Cosmo   | 2        |
      | Box     | 1        |
    When the shopper previews the cart
    And the shopper places the order in storage "orders" paying by "stripe"
    Then the order is created with the cart at catalogue prices
    And the preview's total is the order's total

  @sandbox
  Scenario: An order keeps the signed price after the catalogue price changes
    Given the shopper fills in the order form "order" with:
      | marker | type   |
      | name   | string |
    And the cart holds, at prices signed for storage "orders":
      | product   | quantity |
      | Desk lamp | 2        |
    Then every product of the cart carries a signed price
    When the catalogue price of "Desk lamp" changes to 400
    And the shopper places the order in storage "orders" at the signed prices paying by "cash"
    Then the order costs the signed prices, not the new catalogue price

  Scenario: A tampered signed price is refused
    Given the shopper fills in the order form "order" with:
      | marker | type   |
      | name   | string |
    And the cart holds, at prices signed for storage "orders":
      | product   | quantity |
      | Desk lamp | 1        |
    Then every product of the cart carries a signed price
    When the shopper places the order in storage "orders" at a tampered signed price paying by "cash"
    Then the order is refused with status 400, the message naming "signedPrice"

  @sandbox
  Scenario: A customer asks for a refund of a paid order, then cancels it
    Given the shopper fills in the order form "order" with:
      | marker | type   |
      | name   | string |
    And the cart holds:
      | product | quantity |
      | Cosmo   | 2        |
    When the shopper places the order in storage "orders" paying by "cash"
    Then the order is created with the cart at catalogue prices
    When the shopper opens a payment session for the order
    And the payment provider completes the payment session
    And the customer asks for a refund of 1 × "Cosmo"
    Then the refund request is accepted
    When the customer lists the refunds of the order
    Then the refunds hold one "new" request for 1 × "Cosmo"
    When the customer cancels the refund request
    Then the cancellation is accepted
    When the customer lists the refunds of the order
    Then the refunds hold one "canceled" request for 1 × "Cosmo"
