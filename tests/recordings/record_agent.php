<?php
// Run by record_agent.py inside a peer kit (1.18.1 or 1.10.4): bin/ostphp record_agent.php OP NUMBER AGENT VARS_JSON
// An agent acts on a ticket as the staff panel's controllers do it, with the permission checks they make
// (scp/tickets.php, include/ajax.tickets.php), so a refusal writes nothing and is reported as "refused".
//   note       scp/tickets.php a=postnote: Ticket::postNote (no role permission; the lock is not used)
//   assign     ajax assign: checkStaffPerm(ticket.assign), AssignmentForm, Ticket::assign
//   claim      ajax claim: checkStaffPerm(ticket.assign), open and no agent assigned, ClaimForm, Ticket::claim
//   transfer   ajax transfer: checkStaffPerm(ticket.transfer), TransferForm, Ticket::transfer
//   status     ajax setTicketStatus: checkStaffPerm, the role's ticket.close (closed; open: close or create),
//              Ticket::setStatus with the comments
//   field      1.18 ajax editField: checkStaffPerm(ticket.edit), the field's edit form, Ticket::updateField
//   reply      scp/tickets.php a=reply, refused only: the role's ticket.reply
require getenv('OST_ROOT') . '/../bin/bootstrap.php';
list(, $op, $number, $username) = $argv;
$vars = json_decode($argv[4] ?: '{}', true);
$GLOBALS['thisstaff'] = $thisstaff = Staff::lookup(array('username' => $username));
$ticket = Ticket::lookupByNumber($number);
$errors = array();
$out = array('op' => $op, 'agent' => $username, 'vars' => $vars);
$v110 = !method_exists($ticket, 'getRole');

function role_of($ticket, $staff) {
    global $v110;
    return $v110 ? $staff->getRole($ticket->getDeptId()) : $ticket->getRole($staff);
}

function refuse($why) {
    global $out;
    echo json_encode($out + array('ok' => false, 'refused' => $why)), "\n";
    exit(0);
}

if (!$ticket->checkStaffPerm($thisstaff))
    refuse('no access to the ticket');
switch ($op) {
case 'note':
    $vars['note'] = ThreadEntryBody::clean($vars['note']);
    $note = $ticket->postNote($vars, $errors, $thisstaff);
    $out['entry_id'] = $note ? $note->getId() : null;
    break;
case 'reply':
    $role = role_of($ticket, $thisstaff);
    if (!$role || !$role->hasPerm(Ticket::PERM_REPLY))
        refuse('Action denied. Contact admin for access');
    $entry = $ticket->postReply($vars, $errors, true);
    $out['entry_id'] = $entry ? $entry->getId() : null;
    break;
case 'assign':
    if (!$ticket->checkStaffPerm($thisstaff, Ticket::PERM_ASSIGN)
            || !($form = $ticket->getAssignmentForm($vars, array('target' => $vars['target']))))
        refuse('Permission denied');
    if (!$form->isValid())
        $errors['form'] = $form->errors();
    elseif (!$ticket->assign($form, $errors))
        $errors['err'] = $errors['err'] ?: 'Unable to assign ticket';
    break;
case 'claim':
    if (!$ticket->checkStaffPerm($thisstaff, Ticket::PERM_ASSIGN) || !$ticket->isOpen() || $ticket->getStaff()
            || !($form = $ticket->getClaimForm($vars)))
        refuse('Permission denied');
    if (!$form->isValid())
        $errors['form'] = $form->errors();
    elseif (!$ticket->claim($form, $errors))
        $errors['err'] = $errors['err'] ?: 'Unable to claim ticket';
    break;
case 'transfer':
    if (!$ticket->checkStaffPerm($thisstaff, Ticket::PERM_TRANSFER))
        refuse('Permission denied');
    $form = $ticket->getTransferForm($vars);
    if (!$form->isValid())
        $errors['form'] = $form->errors();
    elseif (!$ticket->transfer($form, $errors))
        $errors['err'] = $errors['err'] ?: 'Unable to transfer ticket';
    break;
case 'status':
    $status = TicketStatus::lookup($vars['status_id']);
    $role = role_of($ticket, $thisstaff);
    if (!$role)
        refuse('Access denied');
    $state = $status->getState();
    if ($state == 'closed' && !$role->hasPerm(Ticket::PERM_CLOSE))
        refuse('You do not have permission to resolve/close tickets');
    if ($state == 'open' && !$role->hasPerm(Ticket::PERM_CLOSE) && !$role->hasPerm(Ticket::PERM_CREATE))
        refuse('You do not have permission to reopen tickets');
    if (!$ticket->setStatus($status, $vars['comments'], $errors))
        $errors['err'] = $errors['err'] ?: 'Error updating ticket status';
    break;
case 'field':
    if (!$ticket->checkStaffPerm($thisstaff, Ticket::PERM_EDIT))
        refuse('Permission denied');
    $field = $ticket->getField($vars['fid']);
    $form = $field->getEditForm($vars['post']);
    if (!$form->isValid())
        $errors['form'] = $form->errors();
    elseif (!$ticket->updateField($form, $errors))
        $errors['err'] = $errors['err'] ?: 'Unable to update field';
    break;
case 'edit110':
    // 1.10's "Edit Ticket" form (scp/tickets.php a=update: the role's ticket.edit, Ticket::update), every field
    // posted with its current value but those in $vars['fields'] (by field name, in any order; a date as
    // "Y-m-d[ H:i]") and the ticket's own inputs in $vars['ticket'] (topicId, slaId, duedate + time), posted as
    // strings as a browser does; the reason in $vars['note']. The due date and time are the ticket's unless given.
    $role = role_of($ticket, $thisstaff);
    if (!$role || !$role->hasPerm(TicketModel::PERM_EDIT))
        refuse('Permission Denied. You are not allowed to edit tickets');
    $post = array('a' => 'update', 'topicId' => $ticket->getTopicId(), 'slaId' => $ticket->getSLAId(),
        'source' => $ticket->getSource(), 'user_id' => $ticket->getOwnerId(), 'duedate' => '', 'time' => '',
        'note' => $vars['note'], 'forms' => array());
    if ($ticket->getDueDate()) {
        // The form shows the due date in the agent's zone. (Its own Format::date needs intl, which the kit lacks:
        // it would show nothing, and the edit would clear the due date.)
        $due = new DateTime($ticket->getDueDate(), new DateTimeZone($cfg->getDbTimezone()));
        $due->setTimezone(new DateTimeZone($cfg->getTimezone()));
        $post['duedate'] = $due->format('Y-m-d');
        $post['time'] = $due->format('H:i');
    }
    foreach (DynamicFormEntry::forTicket($ticket->getId()) as $f) {
        $post['forms'][] = $f->getId();
        foreach ($f->getFields() as $field) {
            $name = $field->get('name');
            $answer = $field->getAnswer();
            $choice = $field instanceof SelectionField
                || ($field instanceof ChoiceField && !$field instanceof PriorityField);
            if (isset($vars['fields'][$name]))
                $value = $vars['fields'][$name];  // as the browser posts it (a choice's keys)
            elseif ($choice)
                $value = $answer && is_array($answer->getValue()) ? array_keys($answer->getValue()) : array();
            elseif ($field instanceof DatetimeField)
                $value = $answer ? $answer->get('value') : null;  // kept as stored (an empty one posts nothing)
            elseif ($answer)
                $value = $answer->getIdValue() ?: $answer->getValue();
            else
                $value = null;
            // a ticked checkbox posts its field's id in _field-checkboxes[]
            if ($field instanceof BooleanField) {
                if ($value)
                    $post['_field-checkboxes'][] = $field->get('id');
            } elseif ($choice)
                $post[$field->getFormName()] = (array) $value;
            elseif ($field instanceof DatetimeField && isset($vars['fields'][$name])) {
                // the date picker's text and, for a field with a time, the time dropdown's "H:i"
                list($date, $time) = explode(' ', $value . ' ');
                $post[$field->getFormName()] = $date;
                if ($time)
                    $post[$field->getFormName() . ':time'] = $time;
            }
            else
                $post[$field->getFormName()] = $value;
        }
    }
    foreach ($vars['ticket'] ?: array() as $name => $value)
        $post[$name] = (string) $value;
    $_POST = $post;
    if (!$ticket->update($post, $errors))
        $errors['err'] = $errors['err'] ?: 'Unable to update this ticket';
    break;
default:
    $errors['err'] = "unknown operation $op";
}
echo json_encode($out + array('ok' => !$errors, 'errors' => $errors)), "\n";
