"""Pin Generator's API (``/api/generateImage``, ``/api/generateAndSchedule``, ``/api/schedulePin``)
as its documentation describes it: the ``access_key`` header, its field names, its credits and its
``{"error": "..."}`` answers with their statuses."""
