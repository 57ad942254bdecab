"""Lower bounds on the weighted dwell, from relaxations, derived from
the rulebook (:mod:`gaugeopt.rules`) through :mod:`.skeleton`.

* :func:`train_dwell_bounds` (:mod:`.train`): each train alone, with the whole station to
  itself;
* :func:`station_bound` (:mod:`.station`): the trains sharing the station, a linear
  programme over their jobs on each shared resource (:mod:`.demand`, :mod:`.sets`);
* :func:`time_indexed_bound` (:mod:`.timeindexed`): the trains sharing the station's
  bottleneck resources again, each departure in a whole bucket of time, by CP-SAT (the
  only one that searches, within a time limit, and valid wherever it stops);
* :func:`lower_bound` (:mod:`.combined`): the largest of Σ weight × the first, the second
  and the third;
* :func:`loco_release_times` (:mod:`.locos`): when each locomotive of a gauge can first
  haul a train, which both use.

Both bounds take the least over a train's configurations (its modes, and with a
ground-air station whether it takes the ground-air brake test), and both ignore track
maintenance windows, which only forbid schedules.
"""

from gaugeopt.bounds.combined import lower_bound
from gaugeopt.bounds.locos import loco_release_times
from gaugeopt.bounds.station import station_bound
from gaugeopt.bounds.timeindexed import Effort, time_indexed_bound
from gaugeopt.bounds.train import train_dwell_bounds

__all__ = [
    "Effort",
    "loco_release_times",
    "lower_bound",
    "station_bound",
    "time_indexed_bound",
    "train_dwell_bounds",
]
