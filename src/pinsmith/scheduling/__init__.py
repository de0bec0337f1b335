"""When pins publish: each profile's weekly time slots, and the queue that fills them."""
