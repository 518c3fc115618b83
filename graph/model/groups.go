package model

import "prakerja/db"

// GroupOrder is what every groups ordering input tells: a field and a direction.
type GroupOrder interface {
	Args() (db.GroupOrderField, db.OrderDirection)
}

func groupOrder[F ~string](field F, dir db.OrderDirection) (db.GroupOrderField, db.OrderDirection) {
	return db.GroupOrderField(field), dir
}

// Args returns the ordering's field and direction; a nil ordering is by key, ascending.
func (o *ParticipantGroupOrder) Args() (db.GroupOrderField, db.OrderDirection) {
	if o == nil {
		return db.GroupOrderKey, db.OrderDirectionAsc
	}
	return groupOrder(o.Field, o.Direction)
}

// Args returns the ordering's field and direction; a nil ordering is by key, ascending.
func (o *CourseGroupOrder) Args() (db.GroupOrderField, db.OrderDirection) {
	if o == nil {
		return db.GroupOrderKey, db.OrderDirectionAsc
	}
	return groupOrder(o.Field, o.Direction)
}

// Args returns the ordering's field and direction; a nil ordering is by key, ascending.
func (o *EnrollmentGroupOrder) Args() (db.GroupOrderField, db.OrderDirection) {
	if o == nil {
		return db.GroupOrderKey, db.OrderDirectionAsc
	}
	return groupOrder(o.Field, o.Direction)
}

// Args returns the ordering's field and direction; a nil ordering is by key, ascending.
func (o *IncentiveGroupOrder) Args() (db.GroupOrderField, db.OrderDirection) {
	if o == nil {
		return db.GroupOrderKey, db.OrderDirectionAsc
	}
	return groupOrder(o.Field, o.Direction)
}

// GroupArgs gathers the arguments of a groups field.
func GroupArgs[D ~string](by []D, first *int, order GroupOrder) db.GroupArgs {
	a := db.GroupArgs{First: first}
	for _, d := range by {
		a.By = append(a.By, string(d))
	}
	a.OrderBy, a.Direction = order.Args()
	return a
}
