@errors
Feature: Refusals
  What the API refuses, and how: every refusal has its exact status code and an error body
  that follows the error contract. A scenario checks the message only for what live projects'
  messages are known to carry (the marker, id or phrase named below, oneentry_sandbox/FIDELITY.md),
  never for wording only the sandbox writes.

  Scenario: Order storages are refused to a shop that has not signed in
    Given the shop has not signed in
    When the shop lists the order storages
    Then the shop is refused with status 401, the message naming "Unauthorized"

  @sandbox
  Scenario: An expired access token is refreshed and the call retried
    Given the shop is signed in as the registered user
    And the customer's access token has expired
    When the shop lists the order storages
    Then the storages include "orders"
    And the call succeeded only after the tokens were refreshed

  @sandbox
  Scenario: An expired access token whose refresh token is spent is refused
    Given the shop is signed in as the registered user
    And the customer's refresh token has been spent by another client
    And the customer's access token has expired
    When the shop lists the order storages
    Then the shop is refused with status 401
    And the refresh was refused

  Scenario: A wrong app token is refused
    When a shop with a wrong app token lists the order storages
    Then the shop is refused with status 403, the message naming "Resource is closed"

  Scenario: An unknown order storage is not found
    Given the shop is signed in as the registered user
    When the shop looks up the storage "no_such_storage"
    Then the shop is refused with status 404

  Scenario: A form field the form does not have is refused
    Given the shop is signed in as the registered user
    And the shopper fills in the order form "order" with:
      | marker   | type   |
      | name     | string |
      | nickname | string |
    And the cart holds:
      | product   | quantity |
      | Desk lamp | 1        |
    When the shopper places the order in storage "orders" paying by "cash"
    Then the order is refused with status 400, the message naming "nickname"

  Scenario: A form field of the wrong type is refused
    Given the shop is signed in as the registered user
    And the shopper fills in the order form "order" with:
      | marker | type    |
      | name   | integer |
    And the cart holds:
      | product   | quantity |
      | Desk lamp | 1        |
    When the shopper places the order in storage "orders" paying by "cash"
    Then the order is refused with status 400, the message naming "name"

  Scenario: A missing required form field is refused
    Given the shop is signed in as the registered user
    And the shopper fills in the order form "order" with:
      | marker   | type | value   |
      | delivery | list | courier |
    And the cart holds:
      | product   | quantity |
      | Desk lamp | 1        |
    When the shopper places the order in storage "orders" paying by "cash"
    Then the order is refused with status 400, the message naming "name"

  Scenario: A product the catalogue does not have is refused
    Given the shop is signed in as the registered user
    And the shopper fills in the order form "order" with:
      | marker | type   |
      | name   | string |
    And the cart holds 1 of product 999999, which the catalogue does not have
    When the shopper places the order in storage "orders" paying by "cash"
    Then the order is refused with status 400, the message naming "Product 999999"

  Scenario: A quantity of 0 is refused
    Given the shop is signed in as the registered user
    And the shopper fills in the order form "order" with:
      | marker | type   |
      | name   | string |
    And the cart holds:
      | product   | quantity |
      | Desk lamp | 0        |
    When the shopper places the order in storage "orders" paying by "cash"
    Then the order is refused with status 400, the message naming "quantity"

  Scenario: A payment account the storage has not enabled is refused
    Given the shop is signed in as the registered user
    And the shopper fills in the order form "order" with:
      | marker | type   |
      | name   | string |
    And the cart holds:
      | product   | quantity |
      | Desk lamp | 1        |
    When the shopper places the order in storage "orders" paying by "paypal"
    Then the order is refused with status 400, the message naming "paypal"

  Scenario: Another customer's order is not found
    Given the shop is signed in as the registered user
    And the shopper fills in the order form "order" with:
      | marker | type   |
      | name   | string |
    And the cart holds:
      | product   | quantity |
      | Desk lamp | 1        |
    When the shopper places the order in storage "orders" paying by "cash"
    Then the order is created with the cart at catalogue prices
    When the guest user signs in and asks for that order
    Then the shop is refused with status 404

  Scenario: Signing in with a wrong password is refused
    When the registered user signs in with a wrong password
    Then the shop is refused with status 401

  Scenario: A refund of an order that is not paid is refused
    Given the shop is signed in as the registered user
    And the shopper fills in the order form "order" with:
      | marker | type   |
      | name   | string |
    And the cart holds:
      | product | quantity |
      | Cosmo   | 2        |
    When the shopper places the order in storage "orders" paying by "cash"
    Then the order is created with the cart at catalogue prices
    When the customer asks for a refund of 1 × "Cosmo"
    Then the refund request is refused with status 404, the message naming "uncompleted order"
