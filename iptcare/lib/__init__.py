"""Small named helpers shared by the apps (no utils.py: each module says what it holds)."""
