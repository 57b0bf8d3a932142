from django import template

register = template.Library()


@register.filter
def expiring_on(agreement, today) -> bool:
    """True when a signed agreement ends within the next 60 days."""
    return agreement.expiring_soon(today)
