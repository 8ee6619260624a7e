"""Every write of the domain: one transaction per public function, the actor recorded in history."""
