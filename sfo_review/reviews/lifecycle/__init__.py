"""Moving a review through its lifecycle: the status page, countersigning, the history."""
