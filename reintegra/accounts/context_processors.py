from reintegra.accounts.access import access_for


def access(request):
    """Expose the user's access to templates (menus, identity masking)."""
    return {"access": access_for(request.user)} if hasattr(request, "user") else {}
