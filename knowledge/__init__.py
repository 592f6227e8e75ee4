"""The article as data: dimensions, questions, traps, actions, cases, figures and the rules that score them."""
