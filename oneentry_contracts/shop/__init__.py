"""The shop's side of a purchase: the filled form, the cart and the order placed from them,
and the fake but valid form data drawn for a form's attributes."""
