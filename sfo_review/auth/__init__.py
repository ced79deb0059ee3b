"""Sign-in, sessions and the route decorators that need a signed-in user."""
