"""The numbers the spec fixes (docs/specs/negotiation-format.md): ranges, defaults, limits."""

# Validity rule 9: sizes. Enumerating every outcome must stay cheap on each move.
MAX_DOCUMENT_BYTES = 1024 * 1024
MAX_ISSUES = 10
MAX_OPTIONS = 20
MAX_OUTCOMES = 20_000
MAX_QUESTIONS = 100
MAX_MESSAGES = 200
MAX_DEADLINE = 50
MAX_TITLE_CHARS, MAX_SLUG_CHARS = 255, 120

# The move protocol: a human's note on a move.
MAX_NOTE_CHARS = 1000

# Rule 3: weights and option values are numbers in [0, 100]; rule 4: a
# reservation value in [0, 100).
VALUE_LOW, VALUE_HIGH = 0, 100

# Rule 5: strategy parameters.
STRATEGIES = ("time", "tit_for_tat", "tradeoff")
E_LOW, E_HIGH = 0.01, 100
FACTOR_LOW, FACTOR_HIGH = 0, 10  # (0, 10]
DEFAULT_FACTOR = 1

# Rule 7: competency rules, and a competency's weight in the overall mean.
RULES = ("interests", "packaging", "patience", "reservation", "claiming", "creating")
COMPETENCY_WEIGHT_HIGH = 100

# Rule 6: when the machine playing a role says a message.
MESSAGE_ON = ("open", "offer", "accept")

MOVE_TYPES = ("offer", "accept", "reject", "ask", "walk_away")
BY = ("human", "machine")
