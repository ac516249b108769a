"""Running the service: figures for monitoring and the erasure of old personal data."""
