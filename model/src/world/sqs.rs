//! What SQS asks of the whole world: a queue's policy as decisions see it.

use super::{ResourcePolicy, World};

/// A queue's owner account and its queue policy, named as decisions name it (`on queue NAME`):
/// what a request on the queue is decided with. `None` when there is no queue with this ARN.
/// Queue operations and [`World::decide`] both use it.
pub fn queue_policy_of(world: &World, arn: &str) -> Option<ResourcePolicy> {
    world.sqs.queue_policy(arn)
}
