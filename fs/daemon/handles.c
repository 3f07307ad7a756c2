#include "handles.h"

void handles_init(struct handles *hs)
{
	pthread_mutex_init(&hs->mu, NULL);
	hs->head.prev = hs->head.next = &hs->head;
}

void handles_add(struct handles *hs, struct handle *h, enum handle_type type,
		 void (*drop)(struct handle *h))
{
	h->type = type;
	h->drop = drop;
	pthread_mutex_lock(&hs->mu);
	h->next = hs->head.next;
	h->prev = &hs->head;
	h->next->prev = h;
	hs->head.next = h;
	pthread_mutex_unlock(&hs->mu);
}

void handles_remove(struct handles *hs, struct handle *h)
{
	pthread_mutex_lock(&hs->mu);
	h->prev->next = h->next;
	h->next->prev = h->prev;
	pthread_mutex_unlock(&hs->mu);
}

void handles_drop_all(struct handles *hs)
{
	while (hs->head.next != &hs->head) {
		struct handle *h = hs->head.next;

		handles_remove(hs, h);
		h->drop(h);
	}
	pthread_mutex_destroy(&hs->mu);
}
