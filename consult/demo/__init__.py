"""The demo: a Geneva consultation with its programme, translations, staff accounts and
speakers, for `make run` and for trying things (`consult demo seed`). It sits on the top
floor: it uses every feature and no feature uses it."""
