"""CP-SAT backend of the scheduling core (OR-Tools)."""

from gaugeopt.core.cpsat.model import CpsatModel as CpsatModel
from gaugeopt.core.cpsat.model import solve_problem as solve_problem
