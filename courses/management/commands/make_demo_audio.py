"""Regenerate the demo recordings (cms/demo/media/) from their dialogues (recordings.json).

Not run by make: the .ogg, .vtt and .txt files it writes are committed, and `load_demo` reads them.
Run it after changing a dialogue, on a machine with espeak-ng and opus-tools (Debian:
`apt-get install espeak-ng opus-tools`):

    python manage.py make_demo_audio             # every recording
    python manage.py make_demo_audio three-packages

Each line is spoken on its own in its speaker's voice, the lines joined with a short pause, and the
whole encoded as Opus at 24 kbit/s mono (a 40-second dialogue is under 150 KB). The caption cues
come from the measured length of each spoken line, so they stay in step with the sound.
"""
import io
import json
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.demo import MEDIA_DIR

PAUSE_SECONDS = 0.45
WORDS_PER_MINUTE = "150"  # espeak-ng's default (175) is hard to follow for learners of the language
BITRATE_KBPS = "24"
# opusenc picks a random stream serial number: a fixed one makes a rerun give the same bytes.
SERIAL = "20260"


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _speak(text: str, voice: str, folder: Path, n: int) -> tuple[bytes, wave._wave_params]:
    target = folder / f"line-{n}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", WORDS_PER_MINUTE, "-w", str(target), text], check=True)
    with wave.open(str(target), "rb") as spoken:
        return spoken.readframes(spoken.getnframes()), spoken.getparams()


def build(recording: dict, out_dir: Path) -> dict:
    """Write `<key>.ogg`, `<key>.vtt` and `<key>.txt` for one recording; return its length and size."""
    key = recording["key"]
    cues, frames, params, clock = [], [], None, 0.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n, (speaker, text) in enumerate(recording["lines"]):
            audio, line_params = _speak(text, recording["speakers"][speaker], folder, n)
            params = params or line_params
            if line_params[:3] != params[:3]:
                raise CommandError(f"{key}: voices speak at different sample rates")
            seconds = len(audio) / (params.sampwidth * params.nchannels * params.framerate)
            cues.append((clock, clock + seconds, speaker, text))
            silence = b"\0" * (int(PAUSE_SECONDS * params.framerate) * params.sampwidth * params.nchannels)
            frames += [audio, silence]
            clock += seconds + PAUSE_SECONDS
        joined = io.BytesIO()
        with wave.open(joined, "wb") as whole:
            whole.setparams(params)
            whole.writeframes(b"".join(frames))
        source = folder / "whole.wav"
        source.write_bytes(joined.getvalue())
        target = out_dir / f"{key}.ogg"
        subprocess.run(["opusenc", "--quiet", "--bitrate", BITRATE_KBPS, "--downmix-mono", "--serial", SERIAL,
                        "--title", recording["title"], str(source), str(target)], check=True)
    vtt = ["WEBVTT", ""]
    for n, (start, end, speaker, text) in enumerate(cues, 1):
        vtt += [str(n), f"{_timestamp(start)} --> {_timestamp(end)}", f"<v {speaker}>{text}", ""]
    (out_dir / f"{key}.vtt").write_text("\n".join(vtt), encoding="utf-8")
    colon = " : " if recording["language"] == "fr" else ": "  # French sets a space before the colon
    transcript = "\n".join(f"{speaker}{colon}{text}" for speaker, text in recording["lines"])
    (out_dir / f"{key}.txt").write_text(transcript + "\n", encoding="utf-8")
    return {"seconds": round(clock - PAUSE_SECONDS, 1), "bytes": target.stat().st_size}


class Command(BaseCommand):
    help = "Regenerate the demo recordings in cms/demo/media/ with espeak-ng and opusenc (not run by make)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="*", help="recordings to make (default: all)")

    def handle(self, *args, keys=(), **options):
        missing = [tool for tool in ("espeak-ng", "opusenc") if shutil.which(tool) is None]
        if missing:
            raise CommandError(f"Needs {' and '.join(missing)} (Debian: apt-get install espeak-ng opus-tools).")
        recordings = json.loads((MEDIA_DIR / "recordings.json").read_text(encoding="utf-8"))["recordings"]
        unknown = set(keys) - {r["key"] for r in recordings}
        if unknown:
            raise CommandError(f"No such recording: {', '.join(sorted(unknown))}")
        for recording in recordings:
            if keys and recording["key"] not in keys:
                continue
            made = build(recording, MEDIA_DIR)
            self.stdout.write(f"{recording['key']}: {made['seconds']} s, {made['bytes'] // 1024} KB")
