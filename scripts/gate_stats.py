"""Statistics shared by the gate studies' summary scripts."""
import math


def wilson(k, n, z=1.96):
    """The Wilson score 95% interval of a proportion k/n, in percent."""
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return f"{100 * max(0, c - h):.1f}–{100 * min(1, c + h):.1f}%"
