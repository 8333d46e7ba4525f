"""The portal's write paths; views call these and nothing else writes portal rows."""
