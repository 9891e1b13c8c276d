package controller

import (
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// emit sends an event about obj; the action is the reason, as kubectl shows it.
func emit(rec events.EventRecorder, obj client.Object, eventType, reason, note string, args ...any) {
	if rec != nil {
		rec.Eventf(obj, nil, eventType, reason, reason, note, args...)
	}
}
