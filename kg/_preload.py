"""Imported by the forkserver that starts kg's parse workers (kg.workers): the parser's imports and the
gazetteer are loaded once there, so each worker forks ready instead of spending seconds loading them.
They are then frozen out of the garbage collector: a worker never rescans them (nor copies their pages
by touching them), which costs about as much as the parse itself otherwise."""
import gc

from kg.workers import warm

warm()
gc.freeze()
