"""A local, stateful emulator of the part of the OneEntry API the harness uses."""
