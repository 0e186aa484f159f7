"""What-if coverage planning: scenarios side by side, headcount search, solves anywhere.

- :mod:`.changes`, :mod:`.team_changes`: what a scenario changes (pure ``Problem -> Problem``);
- :mod:`.parse`: a change written as text, checked against the team;
- :mod:`.scenarios`: scenario files (YAML) and ``--change`` text;
- :mod:`.run`: solving many problems in local processes or on a Dask cluster;
- :mod:`.compare`: the figures of every scenario against the baseline;
- :mod:`.headcount`: how many hires meet every service target, and the leavers' curve.
"""
