"""The code behind `tasks.py`: each invoke task is a thin call into one of these modules."""
