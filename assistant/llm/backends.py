"""LangChain chat models chosen by configuration: an OpenAI-compatible endpoint, a local GGUF file, or none.

* ``DISCLOSURE_LLM_BASE_URL`` set: ``langchain_openai.ChatOpenAI`` against that endpoint
  (``DISCLOSURE_LLM_MODEL``, default ``"default"``, which llama.cpp's server accepts;
  ``DISCLOSURE_LLM_API_KEY``, else ``$OPENAI_API_KEY``, else a placeholder for keyless local servers).
* ``DISCLOSURE_LLM_GGUF`` set: :class:`LlamaCppChatModel`, a small ``BaseChatModel`` over
  ``llama_cpp.Llama.create_chat_completion`` that loads the file in-process (langchain-community is
  not a dependency). The chat template is the one stored in the GGUF file.
* neither: ``None`` (the extractive answerer alone). Both: a :class:`DisclosureError`.

The packages come with ``pip install -e '.[llm]'``; a missing one raises :class:`DisclosureError`
with that hint. Generation is deterministic (temperature 0) and short (512 tokens; for the
endpoint the limit travels as the classic ``max_tokens`` body field, which local servers honour).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field, PrivateAttr, SecretStr, field_validator

from index.config import Settings
from index.errors import DisclosureError

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install -e '.[llm]'"
DEFAULT_MODEL_NAME = "default"
MAX_TOKENS = 512
TIMEOUT_S = 120.0

_ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool", "chat": "user"}


def _missing(package: str, exc: ImportError) -> DisclosureError:
    return DisclosureError(
        f"the LLM backend needs the Python package {package!r} ({exc}); install it with: {INSTALL_HINT}"
    )


def _usage(response: dict[str, Any]) -> UsageMetadata | None:
    usage = response.get("usage") or {}
    if not usage:
        return None
    prompt = int(usage.get("prompt_tokens") or 0)
    completion = int(usage.get("completion_tokens") or 0)
    return UsageMetadata(input_tokens=prompt, output_tokens=completion, total_tokens=prompt + completion)


def merge_system_messages(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """Fold system messages into the first user message, for chat formats without a system role."""
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    rest = [dict(m) for m in messages if m["role"] != "system"]
    if not system:
        return rest
    for m in rest:
        if m["role"] == "user":
            m["content"] = f"{system}\n\n{m['content']}"
            return rest
    return [{"role": "user", "content": system}, *rest]


class LlamaCppChatModel(BaseChatModel):
    """A local GGUF model through llama-cpp-python, as a LangChain chat model (invoke and stream)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str
    n_ctx: int = Field(default=4096, gt=0)
    n_threads: int | None = Field(default=None, gt=0)
    max_tokens: int = Field(default=MAX_TOKENS, gt=0)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    seed: int = 0
    chat_format: str | None = None  # None: the GGUF's own template (gemma-family files without one: "gemma")
    llama_verbose: bool = False

    _llama: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @field_validator("model_path")
    @classmethod
    def _check_path(cls, value: str) -> str:
        path = Path(value).expanduser()
        if not path.is_file():
            raise ValueError(f"GGUF model file {value!r} does not exist")
        if path.suffix.lower() != ".gguf":
            raise ValueError(f"model file {value!r} is not a .gguf file")
        return str(path)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-chat"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model_path": self.model_path,
            "n_ctx": self.n_ctx,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
        }

    def load(self) -> Any:
        """Load the GGUF file (once); returns the ``llama_cpp.Llama`` instance."""
        with self._lock:
            if self._llama is None:
                try:
                    from llama_cpp import Llama
                except ImportError as exc:
                    raise _missing("llama-cpp-python", exc) from None
                log.info("loading GGUF model %s (n_ctx=%d)", self.model_path, self.n_ctx)
                self._llama = Llama(
                    model_path=self.model_path,
                    n_ctx=self.n_ctx,
                    n_threads=self.n_threads,
                    seed=self.seed,
                    chat_format=self.chat_format,
                    verbose=self.llama_verbose,
                )
                metadata = getattr(self._llama, "metadata", None) or {}
                architecture = str(metadata.get("general.architecture", ""))
                if (
                    self.chat_format is None
                    and "tokenizer.chat_template" not in metadata
                    and architecture.startswith("gemma")
                ):
                    # llama-cpp-python would fall back to the llama-2 format, which Gemma does not follow.
                    log.info("GGUF %s has no chat template; using the gemma chat format", self.model_path)
                    self._llama.chat_format = "gemma"
            return self._llama

    def _system_supported(self) -> bool:
        # llama-cpp-python's "gemma" format silently drops system messages.
        return getattr(self._llama, "chat_format", None) != "gemma"

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> dict[str, Any]:
        converted = [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages]
        if not self._system_supported():
            converted = merge_system_messages(converted)
        return {
            "messages": converted,
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "temperature": kwargs.get("temperature", self.temperature),
            "stop": stop or [],
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        llama = self.load()
        request = self._request(messages, stop, **kwargs)
        with self._lock:  # a Llama context is not safe to use from two threads at once
            response = llama.create_chat_completion(**request)
        choice = response["choices"][0]
        message = AIMessage(
            content=choice["message"].get("content") or "",
            usage_metadata=_usage(response),
            response_metadata={"finish_reason": choice.get("finish_reason"), "model_name": Path(self.model_path).name},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llama = self.load()
        request = self._request(messages, stop, **kwargs)
        with self._lock:
            for part in llama.create_chat_completion(stream=True, **request):
                choice = part["choices"][0]
                text = choice.get("delta", {}).get("content") or ""
                finish = choice.get("finish_reason")
                if not text and not finish:
                    continue
                chunk = ChatGenerationChunk(
                    message=AIMessageChunk(content=text, response_metadata={"finish_reason": finish} if finish else {})
                )
                if run_manager and text:
                    run_manager.on_llm_new_token(text, chunk=chunk)
                yield chunk


def _openai_model(settings: Settings) -> BaseChatModel:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise _missing("langchain-openai", exc) from None
    api_key = settings.llm_api_key or os.environ.get("OPENAI_API_KEY") or "not-needed"
    try:
        return ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model or DEFAULT_MODEL_NAME,
            api_key=SecretStr(api_key),
            temperature=0.0,
            # langchain-openai 1.x sends ``max_tokens`` as ``max_completion_tokens``, which llama.cpp's
            # server (and other OpenAI-compatible servers) ignore: send the classic field instead.
            extra_body={"max_tokens": MAX_TOKENS},
            timeout=TIMEOUT_S,
            max_retries=1,
        )
    except ValueError as exc:  # pydantic validation of the settings
        raise DisclosureError(f"DISCLOSURE_LLM_BASE_URL={settings.llm_base_url!r}: {exc}") from None


def _gguf_model(settings: Settings) -> BaseChatModel:
    path = settings.llm_gguf or ""
    try:
        import llama_cpp  # noqa: F401
    except ImportError as exc:
        raise _missing("llama-cpp-python", exc) from None
    try:
        model = LlamaCppChatModel(model_path=path)
    except ValueError as exc:
        errors = getattr(exc, "errors", None)
        detail = "; ".join(str(e.get("msg")) for e in errors()) if callable(errors) else str(exc)
        raise DisclosureError(f"DISCLOSURE_LLM_GGUF={path!r}: {detail}") from None
    try:
        model.load()
    except DisclosureError:
        raise
    except Exception as exc:  # noqa: BLE001 - llama.cpp raises ValueError / RuntimeError on a bad file; reported as configuration
        raise DisclosureError(f"DISCLOSURE_LLM_GGUF={path!r}: cannot load the model: {exc}") from None
    return model


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or ``None`` when no LLM is configured (the default)."""
    if settings.llm_base_url and settings.llm_gguf:
        raise DisclosureError("set either DISCLOSURE_LLM_BASE_URL or DISCLOSURE_LLM_GGUF, not both")
    if settings.llm_base_url:
        log.info("LLM answers via OpenAI-compatible endpoint %s", settings.llm_base_url)
        return _openai_model(settings)
    if settings.llm_gguf:
        log.info("LLM answers via local GGUF %s", settings.llm_gguf)
        return _gguf_model(settings)
    return None
