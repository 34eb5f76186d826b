"""Training survives SIGKILL at any moment: resuming loses at most one save interval, never
leaves a corrupt state, and ends with the weights of an uninterrupted run (same seed, CPU)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch
from safetensors.torch import load_file

from puzzlemdm.train.config import load_config
from puzzlemdm.train.loop import RESUME_FILE, run_training
from tests.test_train import write_corpus

STEPS, SAVE_EVERY = 40, 4


def recipe(folder: Path, name: str) -> Path:
    corpus = folder / "corpus.jsonl"  # a few puzzles of the easy level (no evaluation set)
    if not corpus.exists():
        write_corpus(corpus)
    path = folder / f"{name}.toml"
    path.write_text(
        f'name = "{name}"\nseed = 3\ndevice = "cpu"\nthreads = 1\nout_dir = "{folder}"\n'
        f"save_every = {SAVE_EVERY}\n[model]\nn_layers = 1\nd_model = 16\nn_heads = 2\n"
        f'[data]\nkind = "sudoku"\ntrain = ["{corpus}"]\n'
        f"[optim]\nsteps = {STEPS}\nbatch_size = 4\nwarmup = 2\n"
    )
    return path


def test_sigkill_at_random_moments_then_resume_gives_the_uninterrupted_weights(tmp_path):
    reference = run_training(load_config(recipe(tmp_path, "straight")))
    expected = load_file(str(reference / "last" / "model.safetensors"))

    run = recipe(tmp_path, "killed")
    folder = tmp_path / "killed"
    rng = random.Random(0)
    command = [sys.executable, "-m", "puzzlemdm", "train", "--config", str(run)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    kills = 0
    while kills < 3:
        resume = ["--resume"] if (folder / RESUME_FILE).exists() else []
        process = subprocess.Popen([*command, *resume], env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        before = _saved_step(folder)
        # kill once this process has trained a little: a random moment, saves included
        deadline = time.monotonic() + 60
        while _saved_step(folder) <= before and process.poll() is None:
            assert time.monotonic() < deadline, "no progress"
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.3))
        if process.poll() is not None:
            break  # finished before the kill
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        state = torch.load(folder / RESUME_FILE, weights_only=True)  # never corrupt
        assert state["step"] % SAVE_EVERY == 0 and state["step"] >= before
    while not (folder / "last").exists():
        finished = subprocess.run([*command, "--resume"], env=env, stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, timeout=300)  # fmt: skip
        assert finished.returncode == 0, finished.stderr
        assert "resumed from step" in finished.stdout + finished.stderr
    assert kills >= 1
    final = load_file(str(folder / "last" / "model.safetensors"))
    assert final.keys() == expected.keys()
    for key, value in expected.items():
        assert torch.equal(final[key], value), key


def _saved_step(folder: Path) -> int:
    """The step of the last resume state (-1 before the first save)."""
    try:
        return int(torch.load(folder / RESUME_FILE, weights_only=True)["step"])
    except (FileNotFoundError, RuntimeError, EOFError, KeyError):
        return -1
