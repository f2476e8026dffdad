"""Talking to OneEntry: the endpoint catalogue, the HTTP client with its retries, the
schema-checked calls the steps make, where a run sends its requests, and the preflight check."""
