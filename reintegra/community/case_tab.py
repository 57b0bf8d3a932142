"""The "Community" tab of the case file: the community projects the returnee takes part in."""

from reintegra.community.access import readable_offices
from reintegra.community.selectors import projects_of_case


def community_tab(request, case, identify) -> dict:
    offices = readable_offices(request.user)
    projects = projects_of_case(case)
    for project in projects:
        project.readable = project.community.office_id in offices
    return {"community_projects": projects}
