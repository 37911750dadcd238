"""The tidy frame: its columns, schema and how a frame that fails it is described."""
