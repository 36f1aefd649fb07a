"""Beijing community-governance briefing dashboard: library code.

Data flows one way: data/sources -> build -> data/snapshots -> snapshot.load -> charts -> pages.
"""
