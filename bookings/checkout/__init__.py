"""The patient's payment page (where Stripe's hosted Checkout returns) and Stripe's webhook."""
