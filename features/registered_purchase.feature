@registered @purchase
Feature: Registered purchase
  A registered customer signs in with their own account, orders from the "order" form of
  the "orders" storage, opens a payment session and finds it again by the order.
  (Seed 003: "Payment for the order by a registered user".)

  Background:
    Given the shop is signed in as the registered user

  Scenario Outline: A customer buys <quantity> × <product> and pays by <account>
    Given the shopper fills in the order form "order" with:
      | marker | type   |
      | name   | string |
    And the cart holds:
      | product   | quantity   |
      | <product> | <quantity> |
    When the shopper places the order in storage "orders" paying by "<account>"
    Then the order is created with the cart at catalogue prices
    When the shopper opens a payment session for the order
    Then a payment session is waiting for the order
    When the shop looks up the payment session by the order
    Then it finds the same payment session with status "waiting"
    When the shopper reads the order back
    Then the order read back matches the order created
    And the order read back is not paid yet

    Examples:
      | account | product   | quantity |
      | cash    | Desk lamp | 1        |
      | stripe  | Cosmo     | 2        |
      | cash    | Box       | 4        |

  Scenario Outline: A customer pays by <account> for a cart of several products
    Given the shopper fills in the order form "order" with:
      | marker | type   |
      | name   | string |
    And the cart holds:
      | product         | quantity |
      | Desk lamp       | 1        |
      | Classic T-shirt | 3        |
    When the shopper places the order in storage "orders" paying by "<account>"
    Then the order is created with the cart at catalogue prices
    When the shopper opens a payment session for the order
    Then a payment session is waiting for the order
    When the shop looks up the payment session by the order
    Then it finds the same payment session with status "waiting"
    When the shopper reads the order back
    Then the order read back matches the order created
    And the order read back is not paid yet

    Examples:
      | account |
      | cash    |
      | stripe  |

  Scenario: A customer fills in every field the order form requires and pays by cash
    Given the shopper fills in every required field of the order form "order"
    And the cart holds:
      | product   | quantity |
      | Desk lamp | 1        |
    When the shopper places the order in storage "orders" paying by "cash"
    Then the order is created with the cart at catalogue prices
    When the shopper reads the order back
    Then the order read back matches the order created
    And the order read back is not paid yet
