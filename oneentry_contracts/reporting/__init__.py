"""What a run tells people: the run report (JSON and HTML), the scrubbed capture of a
failing step, and the progress of a recording or live run."""
