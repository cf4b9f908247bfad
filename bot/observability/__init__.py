"""What an operator sees of a running bot: Prometheus metrics and the endpoint serving them."""
