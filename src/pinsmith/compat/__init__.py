"""Other products' API surfaces, each mapped onto pinsmith's domain services: a client written
for them works against pinsmith unchanged."""
