"""Version labels of the engine and of the document formats it reads."""

# Stored beside every result, so a regrade can tell which engine produced what.
# Bump the patch number for fixes that can change a score, the minor number
# for additions that cannot, the major number with a new document format.
ENGINE_VERSION = "1.0.0"

SCENARIO_FORMAT = "scenario/1"
QUIZ_FORMAT = "quiz/1"

# document["format"] -> the kind callers store and dispatch on.
KIND_BY_FORMAT = {SCENARIO_FORMAT: "scenario", QUIZ_FORMAT: "quiz"}
