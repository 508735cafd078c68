"""The slash commands, grouped by what they need: questions answered from the data, and reference."""
