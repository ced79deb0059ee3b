"""A review's deadline: the due date, the deadline in force and its extensions."""
