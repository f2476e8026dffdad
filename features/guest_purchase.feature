@guest @purchase
Feature: Guest purchase
  A shopper buys without registering. The shop signs in with the shared guest account,
  sends the guest order form with the shopper's contacts and the cart, opens a payment
  session for the order, and reads everything back once the payment provider has completed
  the payment. (Seed 000: "Purchase of goods and services without user registration".)
  Seed 000's "update the session" is, on a live project, the payment provider's callback:
  the content API has no call that completes a session. The sandbox plays the provider
  (@sandbox), so against a real project these scenarios are skipped, saying so.

  Background:
    Given the shop is signed in as the guest user

  @sandbox
  Scenario Outline: A guest buys <quantity> × <product> and pays by <account>
    Given the shopper fills in the order form "guest_order" with:
      | marker      | type   |
      | guest_name  | string |
      | guest_phone | string |
      | guest_email | string |
    And the cart holds:
      | product   | quantity   |
      | <product> | <quantity> |
    When the shopper places the order in storage "guest_orders" paying by "<account>"
    Then the order is created with the cart at catalogue prices
    When the shopper opens a payment session for the order
    Then a payment session is waiting for the order
    When the payment provider completes the payment session
    And the shop looks up the payment session by the order
    Then it finds the same payment session with status "completed"
    When the shopper reads the order back
    Then the order read back matches the order created
    And the order read back is paid, with status "paid_for"

    Examples:
      | account | product         | quantity |
      | cash    | Classic T-shirt | 1        |
      | stripe  | Cosmo           | 2        |
      | cash    | Gift card       | 3        |

  @sandbox
  Scenario Outline: A guest pays by <account> for a cart of several products
    Given the shopper fills in the order form "guest_order" with:
      | marker      | type   |
      | guest_name  | string |
      | guest_phone | string |
      | guest_email | string |
    And the cart holds:
      | product   | quantity |
      | Cosmo     | 2        |
      | Box       | 1        |
      | Desk lamp | 1        |
    When the shopper places the order in storage "guest_orders" paying by "<account>"
    Then the order is created with the cart at catalogue prices
    When the shopper opens a payment session for the order
    Then a payment session is waiting for the order
    When the payment provider completes the payment session
    And the shop looks up the payment session by the order
    Then it finds the same payment session with status "completed"
    When the shopper reads the order back
    Then the order read back matches the order created
    And the order read back is paid, with status "paid_for"

    Examples:
      | account |
      | cash    |
      | stripe  |
