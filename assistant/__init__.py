"""Answer citizens' questions from the index with exact values and verified citations."""
