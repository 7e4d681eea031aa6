"""The optional LLM: chat models by configuration, prompt files, and the grounding check every LLM answer must pass.

* :mod:`assistant.llm.backends` — an OpenAI-compatible endpoint or a local GGUF, as LangChain chat models;
* :mod:`assistant.llm.prompts` — the prompt templates in ``prompts/`` and how passages are shown;
* :mod:`assistant.llm.grounding` — every number of an answer must appear in a passage it cites;
* :mod:`assistant.llm.answer` — ask, check, and fall back to the extractive answer.
"""
