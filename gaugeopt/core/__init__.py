"""The generic scheduling core: problem model, CP-SAT backend, results, PSPLIB reader."""

from gaugeopt.core.cpsat.model import solve_problem as solve_problem
from gaugeopt.core.problem import Problem as Problem
from gaugeopt.core.result import CoreHint as CoreHint
from gaugeopt.core.result import CoreResult as CoreResult
from gaugeopt.core.result import TaskHint as TaskHint
from gaugeopt.core.result import TaskValue as TaskValue
