"""The partner REST API (/api/v1/): tokens, isolation, safe retries, problem details."""
