"""What the collaboration package (comments, notifications, webhooks) adds to the schema's
roots."""

from schema.collaboration.mutations import CommentMutations, NotificationMutations
from schema.collaboration.queries import CollaborationQueries
from schema.collaboration.subscriptions import NotificationSubscriptions
from schema.collaboration.types import (
    Comment,
    Notification,
    NotificationPreference,
    Webhook,
    WebhookDelivery,
)
from server.domain.collaboration.models import Comment as CommentRow
from server.domain.collaboration.models import Notification as NotificationRow
from server.domain.collaboration.models import NotificationPreference as PreferenceRow
from server.domain.integration.models import Webhook as WebhookRow
from server.domain.integration.models import WebhookDelivery as DeliveryRow

QUERIES: list[type] = [CollaborationQueries]
MUTATIONS: list[type] = [CommentMutations, NotificationMutations]
SUBSCRIPTIONS: list[type] = [NotificationSubscriptions]
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:). Notifications and
# preferences are personal: node(id:) asks the policies about the type only, so it answers
# FORBIDDEN to everyone but the PMO until it also asks about the row's recipient.
NODES: dict[str, tuple[type, type, str]] = {
    "Comment": (Comment, CommentRow, "comment"),
    "Notification": (Notification, NotificationRow, "notification"),
    "NotificationPreference": (NotificationPreference, PreferenceRow,
                               "notification_preference"),
    "Webhook": (Webhook, WebhookRow, "webhook"),
    "WebhookDelivery": (WebhookDelivery, DeliveryRow, "webhook_delivery"),
}
