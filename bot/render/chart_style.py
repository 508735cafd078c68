"""The chart card's geometry, colours and type sizes: one place to restyle every chart."""

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 100  # 800 x 450 px
MAX_X_LABELS = 25
MIN_SLOTS = 6  # a series shorter than this is drawn at this many bars' spacing
MAX_SLOTS = 240  # beyond this many periods from first to last, points are simply drawn side by side
PLOT_PX = 700  # width of the plot area inside the card, less the y axis labels
TITLE_LINES = 2
FOOTER_BAND = 0.06  # of the card's height, kept for the source line under the plot
ALT_TEXT_LIMIT = 1000
CACHE_SIZE = 128

Placement = tuple[tuple[float, float], str, str]  # label offset in points, ha, va

BACKGROUND = "#FFFFFF"
TEXT = "#1F2328"
TEXT_MUTED = "#57606A"
GRID = "#D8DEE4"
BASE = "#3B6EA8"  # every bar when nothing is highlighted
MUTED = "#A9BDD6"  # the other bars when one is highlighted
MAX_VALUE_LABELS = 3
ACCENT = "#C2410C"  # the requested period

TITLE_SIZE = 15
LABEL_SIZE = 11
TICK_SIZE = 10.5
FOOTER_SIZE = 10
