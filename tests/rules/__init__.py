"""Each rule alone on tiny cases worked out by hand: evaluate() and the solver's optimum."""
