"""Questions to answers with verified citations: query -> retrieve -> answer (llm optional) -> cite; review, evaluate, cli, ui."""
