# Loaded by the virtualenv's Python at start-up when `npm run bench` puts this folder on PYTHONPATH.
# moto enforces AWS's *default* quota of 10 AD Connectors per region; a 100-directory estate runs
# with that quota raised, as AWS Support raises it. Nothing else about the emulator changes.
try:
    from moto.ds.models import Directory

    Directory.CONNECTED_DIRECTORIES_LIMIT = 200
except ImportError:
    pass
